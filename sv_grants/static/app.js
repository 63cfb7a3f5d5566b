// Loaded as <script type="module">, so it only runs in browsers that support
// ES modules, which is GOV.UK Frontend's test for "supported".
import { initAll } from './govuk/govuk-frontend.min.js'

// The GOV.UK page template sets these body classes with an inline script.
// Our Content-Security-Policy forbids inline scripts, so we set them here.
// initAll() does nothing unless body has govuk-frontend-supported.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
