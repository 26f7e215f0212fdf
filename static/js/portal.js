// The portal's own behaviour, one file for every page (the content security policy allows no inline script):
// each part acts only where its elements are on the page.
"use strict";

// A form or a link with data-confirm asks before it goes on.
document.addEventListener("submit", (event) => {
const message = event.target.dataset && event.target.dataset.confirm;
if (message && !window.confirm(message)) event.preventDefault();
});

// A select with data-autosubmit submits its form when changed; a field with data-select-all selects its text on
// click; a button with data-print prints the page.
document.addEventListener("change", (event) => {
if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
});
document.addEventListener("click", (event) => {
if (event.target.matches("[data-select-all]")) event.target.select();
});

// meetings/meeting_form.html
// Show the 党课 fields only for a 党课 and the election box only for a 支部党员大会.
(function () {
  const boxes = document.querySelectorAll('input[name="types"]');
  const lecture = document.getElementById("lecture-fields");
  const election = document.getElementById("election-fields");
  if (!boxes.length || !(lecture || election)) return;
  function sync() {
    const chosen = new Set(Array.from(boxes).filter((b) => b.checked).map((b) => b.value));
    if (lecture) lecture.hidden = !chosen.has("party_lecture");
    if (election) election.hidden = !chosen.has("general_meeting");
  }
  boxes.forEach((b) => b.addEventListener("change", sync));
  sync();
})();

// meetings/meeting_amend.html
// Choosing another item fills the box with its current content, to edit rather than retype.
(function () {
  const data = document.getElementById("amend-current");
  const field = document.getElementById("id_field");
  const value = document.getElementById("id_new_value");
  if (!data) return;
  const current = JSON.parse(data.textContent);
  if (field && value) field.addEventListener("change", () => { value.value = current[field.value] || ""; });
})();

// meetings/meeting_attendance.html
// "全部出席": everyone not on leave is marked present; the reason box is needed only for leave.
(function () {
  const form = document.getElementById("attendance-form");
  if (!form) return;
  function sync() {
    form.querySelectorAll("[data-reason]").forEach((box) => {
      const line = box.dataset.reason;
      const leave = form.querySelector(`input[data-line="${line}"][value="leave"]`);
      box.hidden = !(leave && leave.checked) && !box.classList.contains("is-invalid");
    });
  }
  form.addEventListener("change", sync);
  const all = document.getElementById("all-present");
  if (all) all.addEventListener("click", () => {
    form.querySelectorAll('input[type="radio"][value="present"]').forEach((radio) => {
      const leave = form.querySelector(`input[data-line="${radio.dataset.line}"][value="leave"]`);
      if (!(leave && leave.checked)) radio.checked = true;
    });
    sync();
  });
  sync();
})();
