"""A local Azure Resource Manager emulator for tests, the demo and the benchmark: fixtures and
builders shape ARM resources, ``server.serve`` answers them over HTTPS, ``estate`` is the demo."""
