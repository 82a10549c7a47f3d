// The score sheet's weighted total and reason hints, recomputed while the expert types.
// The formula comes from the server (campaigns.review.score_formula): total = Σ score × weight,
// and a rule asks for a reason above or below its threshold, on each criterion or on the total.
// The server checks everything again on saving; this only shows early what it will say.
(function () {
  "use strict";

  function ready() {
    var source = document.getElementById("score-formula");
    var form = document.querySelector("form.score-sheet");
    var output = document.getElementById("live-total");
    if (!source || !form || !output) {
      return;
    }
    var formula = JSON.parse(source.textContent);
    var text = formula.messages;
    var totalHint = document.getElementById("total-hint");
    var SCALE = 10000; // scores have at most two decimals, weights at most two: exact in 1/10000

    function fill(template, values) {
      return template.replace(/%\((\w+)\)s/g, function (_match, name) {
        return values[name];
      });
    }

    function format(units) {
      // 855000 → "85.5": no trailing zeros, as the server writes numbers.
      return String(units / SCALE);
    }

    function parse(raw, max) {
      var trimmed = (raw || "").trim();
      if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) {
        return trimmed ? NaN : null;
      }
      var value = Number(trimmed);
      return value > Number(max) ? NaN : value;
    }

    function breach(rule, value) {
      if (rule.above !== null && value > Number(rule.above)) {
        return fill(text.above, { n: rule.above });
      }
      if (rule.below !== null && value < Number(rule.below)) {
        return fill(text.below, { n: rule.below });
      }
      return "";
    }

    function update() {
      var units = 0;
      var filled = 0;
      var invalid = false;
      formula.criteria.forEach(function (criterion, index) {
        var input = form.elements["score_" + index];
        var hint = document.getElementById("hint_" + index);
        var value = parse(input.value, criterion.max);
        var message = "";
        if (Number.isNaN(value)) {
          invalid = true;
          message = fill(text.invalid, { max: criterion.max });
        } else if (value !== null) {
          filled += 1;
          // Math.round keeps the product exact: (score × 100) × (weight × 100).
          units += Math.round(value * 100) * Math.round(Number(criterion.weight) * 100);
          formula.rules.forEach(function (rule) {
            if (rule.scope === "criterion" && (!rule.criterion || rule.criterion === criterion.name)) {
              message = message || breach(rule, value);
            }
          });
        }
        if (hint) {
          hint.textContent = message;
        }
      });
      var complete = filled === formula.criteria.length && !invalid;
      if (invalid || filled === 0) {
        output.textContent = "—";
      } else {
        output.textContent = complete
          ? format(units)
          : fill(text.partial, { total: format(units), missing: formula.criteria.length - filled });
      }
      if (totalHint) {
        var message = "";
        if (complete) {
          formula.rules.forEach(function (rule) {
            if (rule.scope === "total") {
              message = message || breach(rule, units / SCALE);
            }
          });
        }
        totalHint.textContent = message ? fill(text.total, { message: message }) : "";
      }
    }

    form.addEventListener("input", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
