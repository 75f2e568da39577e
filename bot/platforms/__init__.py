"""The only code that knows a chat platform: parse in, render out, send."""
