"""Business rules and transactions; HTTP, Socket.IO, the CLI and tests all call these."""
