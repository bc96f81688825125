// Behaviour that must not be inline (Content-Security-Policy): <select data-autosubmit> submits its form on change.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});
