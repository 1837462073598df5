"""The demo's AWS peer: a moto server, a proxy in front of it serving recorded responses where moto
differs from AWS, and the estate seeded into both."""
