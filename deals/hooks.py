"""Navigation, widgets, panels and demo data of the deal records (board, list, detail)."""


def register():
    pass
