"""Fault injection: the agent against a broken or hostile session (issue 17).

Real sockets, real symbolic links, a real Xvfb killed and restarted, and a
second real user where the tests run as root.
"""
