from . import report_api

extra_urls = [*report_api.extra_urls]


def register(router):
    report_api.register(router)
