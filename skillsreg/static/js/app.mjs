// Progressive enhancement: pages work without JavaScript; this adds GOV.UK component behaviour.
import { initAll } from '/govuk-frontend/govuk-frontend.min.js'

initAll()

// GOV.UK Frontend marks a radio that reveals a follow-up question with aria-expanded, which the
// ARIA specification does not allow on radios (axe-core: aria-allowed-attr). The question is
// revealed right after its radio and stays linked by aria-controls, so the state is dropped.
const dropRadioExpanded = () => {
  for (const radio of document.querySelectorAll('.govuk-radios__input[aria-expanded]')) {
    radio.removeAttribute('aria-expanded')
  }
}
dropRadioExpanded()
document.addEventListener('click', dropRadioExpanded)
document.addEventListener('change', dropRadioExpanded)
window.addEventListener('pageshow', dropRadioExpanded)
