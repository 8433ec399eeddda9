// Filters and list options apply as soon as a select changes; the forms still work without JS.
for (const select of document.querySelectorAll('select[data-autosubmit]')) {
  select.addEventListener('change', () => select.form?.requestSubmit());
}
