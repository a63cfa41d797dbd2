"""Territory plans: the three questions of PROCESSES.md per territory and period,
answered by the rep and reviewed by the manager."""
