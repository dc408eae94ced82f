"""Consultation forms: members' comments on a version, and organisers' responses to them."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from skillsreg.core.forms import GovForm
from skillsreg.frameworks.forms.browse import OneOfChoices
from skillsreg.frameworks.models import CommentStatus

MAX_COMMENT = 5000
WHOLE_SKILL = "skill"


def _comment_body(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter your comment"),
            Length(max=MAX_COMMENT, message=f"Comment must be {MAX_COMMENT} characters or fewer"),
        ],
    )


class VersionCommentForm(GovForm):
    body = _comment_body(
        "Your comment",
        "Tell us what is missing, unclear or wrong. To comment on one skill, use its page.",
    )
    submit = SubmitField("Send comment", widget=GovSubmitInput())


class SkillCommentForm(GovForm):
    # The view adds one choice per level the skill describes.
    about = RadioField(
        "What is your comment about?",
        widget=GovRadioInput(),
        choices=[(WHOLE_SKILL, "The whole skill")],
        default=WHOLE_SKILL,
        validate_choice=False,
        validators=[
            InputRequired(message="Select what your comment is about"),
            OneOfChoices("Select the whole skill or one of its levels"),
        ],
    )
    body = _comment_body("Your comment", "Organisers read every comment and reply to it.")
    submit = SubmitField("Send comment", widget=GovSubmitInput())

    @property
    def level(self) -> int | None:
        """The level commented on, or None for the whole skill."""
        return None if self.about.data == WHOLE_SKILL else int(self.about.data)


class CommentResponseForm(GovForm):
    status = RadioField(
        "What did you do with this comment?",
        widget=GovRadioInput(),
        choices=[
            (CommentStatus.ADDRESSED.value, "Addressed: the draft now covers it"),
            (CommentStatus.DECLINED.value, "Declined: no change to the draft"),
        ],
        validate_choice=False,
        validators=[
            InputRequired(message="Select addressed or declined"),
            OneOfChoices("Select addressed or declined"),
        ],
    )
    reply = TextAreaField(
        "Reply to the commenter",
        description="They see this reply. Say why when you decline a comment.",
        widget=GovTextArea(),
        validators=[
            Length(max=MAX_COMMENT, message=f"Reply must be {MAX_COMMENT} characters or fewer")
        ],
    )
    submit = SubmitField("Save response", widget=GovSubmitInput())
