"""Navigation, settings links and demo data of intake forms and CSV import."""


def register():
    pass
