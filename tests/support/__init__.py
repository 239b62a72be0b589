"""Helpers the tests share: servers started as `make run` starts them, trackers,
and local fakes of Slack and the Bot Framework."""
