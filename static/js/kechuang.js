// Behaviour that must not be inline (Content-Security-Policy): <select data-autosubmit> submits its form on change.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});

// The phone menu button opens and closes the navigation; one navigation group is open at a time and a click
// elsewhere closes it.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".menu-toggle");
  if (toggle) {
    var open = toggle.closest(".topbar").classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    return;
  }
  var inside = event.target.closest(".navgroup");
  document.querySelectorAll(".navgroup[open]").forEach(function (group) {
    if (group !== inside) group.removeAttribute("open");
  });
});
