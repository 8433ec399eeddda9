// Filters and list options apply as soon as a select changes; the forms still work without JS.
for (const select of document.querySelectorAll('select[data-autosubmit]')) {
  select.addEventListener('change', () => select.form?.requestSubmit());
}

// «По фото» when search by photo is off: the button stays visible and, pressed or tapped, points
// at the notice that says why (its reason is also the button's tooltip).
const off = document.querySelector('#photo-search-open[aria-disabled="true"]');
const notice = document.getElementById('photo-off');
if (off && notice) {
  notice.tabIndex = -1;
  off.addEventListener('click', () => {
    notice.scrollIntoView({ block: 'nearest' });
    notice.focus();
    notice.classList.remove('notice-flash');
    void notice.offsetWidth; // restart the animation
    notice.classList.add('notice-flash');
  });
}

// Empty filters stay out of the address (no «supplier=&price_min=»): links stay short and shareable.
for (const form of document.querySelectorAll('form[method=get]')) {
  form.addEventListener('submit', () => {
    for (const field of form.elements) {
      if (field.name && !field.disabled && field.value === '') {
        field.disabled = true;
        field.dataset.emptied = '';
      }
    }
  });
}
// Coming back to the page through history, those fields must be usable again.
window.addEventListener('pageshow', () => {
  for (const field of document.querySelectorAll('[data-emptied]')) {
    field.disabled = false;
    delete field.dataset.emptied;
  }
});
