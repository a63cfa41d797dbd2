"""The stylesheet parses: one unclosed block (a merge that dropped a brace) silently
swallows every rule after it, as it once hid the bulk bar's [hidden] rule."""

import re
from pathlib import Path

from django.conf import settings


def test_every_block_of_the_stylesheet_is_closed():
    for path in Path(settings.BASE_DIR, "static", "css").glob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        depth = 0
        for number, line in enumerate(text.splitlines(), 1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{path.name}:{number} closes a block it never opened"
        assert depth == 0, f"{path.name} leaves {depth} block(s) open"
