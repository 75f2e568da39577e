"""The neutral language of the bot. Standard library and pydantic only: no platform SDKs."""
