"""Overstag's HTTP API for other tools (an editorial planner, a CRM): advice
without a chat window. See docs/channels.md and GET /api/v1/openapi.json."""
