"""The scale benchmark (`manage.py benchmark_scale`): a data set the size of a real sales
org, built set-wise, then every list, report and main page timed over HTTP against the
bare SQL that returns the same rows (the floor).

It lives in automation, the top layer, because it builds and reads every app's records.
"""
