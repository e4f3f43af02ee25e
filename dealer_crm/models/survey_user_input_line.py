# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"
    # The customer's own words in a survey are personal data: erased with them.
    _dealer_partner_fields = ("dealer_partner_id",)
    _dealer_personal_fields = ("value_char_box", "value_text_box")

    dealer_partner_id = fields.Many2one(
        related="user_input_id.partner_id", store=True, index="btree_not_null", string="Customer"
    )

    def _dealer_clear_personal_fields(self, values):
        """Erase the customer's words (``values``) where these answers hold them.

        survey's ``write`` recomputes each written line's score from the values given, as
        if they were the answer: a numerical, date or choice answer written without its
        value fails (``float(None)``) or loses its score. Each personal field is therefore
        written only on the lines that hold it: text and comment lines, whose score is
        nought whatever they say."""
        for name, value in values.items():
            lines = self.filtered(name)
            if lines:
                lines.write({name: value})

    @api.constrains("answer_type", "value_scale", "value_numerical_box", "skipped", "question_id")
    def _check_dealer_answer_in_scale(self):
        """An answer stays within its question's scale, whoever sends it (the public
        survey route, a client's ``create`` or ``write``)."""
        for line in self:
            if not line._dealer_in_scale():
                raise ValidationError(line.question_id._dealer_out_of_scale_message())

    def _dealer_in_scale(self):
        """Whether this answer lies within its question's scale (a scale question's
        minimum and maximum, a numerical question's validation range when it has one)."""
        self.ensure_one()
        question = self.question_id
        if self.skipped or not question:
            return True
        if self.answer_type == "scale":
            return question._dealer_scale_accepts(self.value_scale)
        if self.answer_type == "numerical_box":
            return question._dealer_scale_accepts(self.value_numerical_box)
        return True
