// Enter in the customer search looks the customer up in place (htmx shows the matches)
// instead of submitting the ticket or complaint form: the form's default button is its
// own submit, so Enter in any other field opens the ticket as people expect.
document.addEventListener("keydown", function (event) {
  var input = event.target;
  if (event.key !== "Enter" || !input || input.id !== "customer-search") {
    return;
  }
  event.preventDefault();
  if (window.htmx) {
    window.htmx.trigger(input, "search");
  }
});
