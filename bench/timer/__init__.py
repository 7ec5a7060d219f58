"""The parts of bench/lambda_timer.py: a Lambda stand-in, the sidecar's start, and the two timings."""
