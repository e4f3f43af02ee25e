# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A survey answer lies within its question's scale.

Odoo's public survey route checks that a scale question is answered, not that the
answer is on the scale: 1000 on a 1 to 5 question would be stored, and would score
1000. The route now refuses it with the question's own range; ``survey.user_input.line``
refuses it on ``create`` and ``write`` too.
"""

from odoo import _, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    def _validate_scale(self, answer):
        errors = super()._validate_scale(answer)
        if errors or answer in (None, False, ""):
            return errors
        try:
            value = int(answer)
        except (TypeError, ValueError):
            return {self.id: self._dealer_out_of_scale_message()}
        if not self._dealer_scale_accepts(value):
            return {self.id: self._dealer_out_of_scale_message()}
        return {}

    def _dealer_scale_accepts(self, value):
        """Whether ``value`` lies on this question's scale: between a scale question's
        minimum and maximum, or within a numerical question's validation range."""
        self.ensure_one()
        if self.question_type == "scale":
            return self.scale_min <= value <= self.scale_max
        if self.question_type == "numerical_box" and self.validation_required:
            return self.validation_min_float_value <= value <= self.validation_max_float_value
        return True

    def _dealer_out_of_scale_message(self):
        self.ensure_one()
        if self.question_type == "numerical_box":
            low, high = self.validation_min_float_value, self.validation_max_float_value
        else:
            low, high = self.scale_min, self.scale_max
        return _(
            "The answer to “%(question)s” must be between %(low)s and %(high)s.",
            question=self.title,
            low=low,
            high=high,
        )
