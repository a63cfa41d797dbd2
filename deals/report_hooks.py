"""Navigation, widgets and demo data of deal reporting (month plan, forecast, quotas)."""


def register():
    pass
