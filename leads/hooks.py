"""Navigation, widgets, panels and demo data of leads and qualification."""


def register():
    pass
