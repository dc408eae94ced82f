"""Badge pictures (SVG and PNG), with the signed credential baked in as Open Badges 3.0 says."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from skillsreg.credentials import rules

BLUE = (29, 112, 184, 255)
WHITE = (255, 255, 255, 255)


def badge_png(jwt: str) -> bytes:
    """A round 300px badge as PNG with the credential in its "openbadgecredential" chunk."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((5, 5, 295, 295), fill=BLUE)
    draw.ellipse((22, 22, 278, 278), outline=WHITE, width=4)
    draw.line((105, 155, 140, 190), fill=WHITE, width=14)  # a tick: the picture needs no text
    draw.line((140, 190, 200, 115), fill=WHITE, width=14)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return rules.bake_png(out.getvalue(), jwt)


def badge_svg(*, title: str, subtitle: str, issuer_name: str, jwt: str | None = None) -> str:
    """The badge as SVG, baked when a JWT is given."""
    return rules.badge_svg(title=title, subtitle=subtitle, issuer_name=issuer_name, jwt=jwt)
