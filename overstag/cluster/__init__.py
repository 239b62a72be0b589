"""What several Rasa servers (or workers) share: the conversation lock and the
channels' memory of deliveries, in Redis (docs/cluster.md)."""
