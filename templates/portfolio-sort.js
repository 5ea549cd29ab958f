// Sort the portfolio table by the column whose header button is pressed; again: reverse.
// Cells carry their sort value in data-sort (numbers as numbers, text as text). A link to
// the page ending in #sort=N (or #sort=-N, descending) opens it sorted by column N (from 0).
(function () {
  "use strict";
  var table = document.getElementById("portfolio");
  if (!table) { return; }
  var body = table.tBodies[0];
  var buttons = table.querySelectorAll("thead button");
  Array.prototype.forEach.call(buttons, function (button, column) {
    button.addEventListener("click", function () {
      var ascending = button.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(buttons, function (b) { b.removeAttribute("aria-sort"); });
      button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort");
        var y = b.cells[column].getAttribute("data-sort");
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var wanted = /^#sort=(-?)(\d+)$/.exec(window.location.hash);
  var button = wanted && buttons[Number(wanted[2])];
  if (button) {
    button.click();
    if (wanted[1]) { button.click(); }
  }
}());
