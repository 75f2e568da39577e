"""Drawing the core's charts (bot.core.charts) as images: the one place that knows a
charting library."""
