"""The organisers' editor: draft, change, consult on, publish and retire framework versions.

Every change to a draft goes through `services.edit_version` with a small function that changes
the version's framework document; the service checks the whole document and saves it. Each
module adds its routes to the frameworks blueprint.
"""

from skillsreg.frameworks.views.editor import content, lifecycle, roles  # noqa: F401
