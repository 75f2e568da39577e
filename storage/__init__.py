"""Tables, the engine and one repository module per domain. Imports nothing else of ours."""
