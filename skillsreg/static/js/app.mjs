// Progressive enhancement: pages work without JavaScript; this adds GOV.UK component behaviour.
import { initAll } from '/govuk-frontend/govuk-frontend.min.js'

initAll()
