"""ElastiCache on the local cloud: each cache is a real Redis-compatible server process on loopback."""
