from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

# One profile for every run (CI included): enough examples to find real bugs on 2 cores,
# no per-example deadline (CI machines are shared and timing is not what these tests check).
settings.register_profile(
    "cx-rules", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("cx-rules")
