from . import intake_api

extra_urls = [*intake_api.extra_urls]


def register(router):
    intake_api.register(router)
