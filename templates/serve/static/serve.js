// The front-desk page's two conveniences; without this file everything still works (a picker
// changes on "Show", the Print button opens the PDF to print from the browser's viewer).
"use strict";
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit]");
  if (select && select.form) select.form.submit();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-print]");
  if (!link) return;
  event.preventDefault();
  // Load the PDF in a frame of this page and open the browser's print dialog for it.
  const old = document.getElementById("print-frame");
  if (old) old.remove();
  const frame = document.createElement("iframe");
  frame.id = "print-frame";
  frame.className = "print-frame";
  frame.title = link.textContent;
  frame.addEventListener("load", () => {
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } catch (error) {
      window.open(link.href, "_blank");
    }
  });
  frame.src = link.href;
  document.body.appendChild(frame);
});
