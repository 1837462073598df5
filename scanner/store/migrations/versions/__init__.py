"""Migration scripts, oldest first. Each is frozen once released: change the schema with a new one."""
