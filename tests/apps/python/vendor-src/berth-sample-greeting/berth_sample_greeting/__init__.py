"""A tiny library, vendored as a wheel in the python sample app's vendor/."""

__version__ = "1.0.0"


def greet(name):
    """Return the sample apps' greeting line for NAME."""
    return "hello from %s" % name
