"""Sample reports with known truth: values that obey the template's rules, rendered the way publishers
print them (flattened web text, ``a | b |`` rows, HTML), for tests, benchmarks and ``sample_scans/``."""
