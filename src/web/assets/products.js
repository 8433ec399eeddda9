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
