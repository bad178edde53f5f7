"""What changes in Slack right after a check-in: the channel line, the board, the App
Home. Handlers call one object, :class:`bot.live.updates.LiveUpdates`."""
