// Loaded as <script type="module">, so it only runs in browsers that support
// ES modules, which is GOV.UK Frontend's test for "supported".
import { initAll } from './govuk/govuk-frontend.min.js'

// The GOV.UK page template sets these body classes with an inline script.
// Our Content-Security-Policy forbids inline scripts, so we set them here.
// initAll() does nothing unless body has govuk-frontend-supported.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()

// Repeating rows (budget lines, outputs, outcomes). Without JavaScript the "Add" and "Remove"
// buttons post the form and the server sends the rows back; with it, rows are added and removed
// here and numbered 0, 1, 2… so the names the server reads stay in step.
function renumber (container) {
  const prefix = container.dataset.prefix
  const label = container.dataset.rowLabel
  const pattern = new RegExp('^' + prefix + '-\\d+-')
  const rows = container.querySelectorAll('.app-repeating-row')
  rows.forEach((row, index) => {
    row.querySelectorAll('[name], [id], [for], [aria-describedby]').forEach((element) => {
      for (const attribute of ['name', 'id', 'for']) {
        const value = element.getAttribute(attribute)
        if (value && pattern.test(value)) element.setAttribute(attribute, value.replace(pattern, prefix + '-' + index + '-'))
      }
      const described = element.getAttribute('aria-describedby')
      if (described) {
        element.setAttribute('aria-describedby', described.split(' ').map((id) => id.replace(pattern, prefix + '-' + index + '-')).join(' '))
      }
    })
    const legend = row.querySelector('legend')
    if (legend) legend.textContent = label + ' ' + (index + 1)
    const remove = row.querySelector('.app-remove-row')
    if (remove) {
      remove.value = String(index)
      remove.hidden = rows.length < 2
      remove.querySelector('.govuk-visually-hidden').textContent = ' ' + label.toLowerCase() + ' ' + (index + 1)
    }
  })
}

function addRow (container) {
  const rows = container.querySelectorAll('.app-repeating-row')
  const copy = rows[rows.length - 1].cloneNode(true)
  copy.querySelectorAll('input').forEach((input) => { input.value = '' })
  copy.querySelectorAll('select').forEach((select) => { select.selectedIndex = 0 })
  copy.querySelectorAll('.govuk-error-message').forEach((message) => message.remove())
  copy.querySelectorAll('.govuk-form-group--error').forEach((group) => group.classList.remove('govuk-form-group--error'))
  copy.querySelectorAll('.govuk-input--error, .govuk-select--error').forEach((field) => field.classList.remove('govuk-input--error', 'govuk-select--error'))
  container.appendChild(copy)
  renumber(container)
  const first = copy.querySelector('input, select')
  if (first) first.focus()
}

function showTotal (container) {
  const output = document.getElementById(container.dataset.totalId || '')
  if (!output) return
  let pence = 0
  let complete = true
  container.querySelectorAll('.app-budget-amount').forEach((input) => {
    const text = input.value.replace(/[£,\s]/g, '')
    if (text === '') return
    if (!/^\d+(\.\d{1,2})?$/.test(text)) { complete = false; return }
    const [pounds, fraction = ''] = text.split('.')
    pence += Number(pounds) * 100 + Number(fraction.padEnd(2, '0'))
  })
  const formatted = '£' + Math.floor(pence / 100).toLocaleString('en-GB') + '.' + String(pence % 100).padStart(2, '0')
  output.textContent = complete ? 'Total: ' + formatted + ' (not saved yet)' : 'Total: check the amounts entered'
}

document.querySelectorAll('[data-module="app-repeating-rows"]').forEach((container) => {
  const form = container.closest('form')
  const addButton = form.querySelector('button[name="' + container.dataset.addButton + '"], input[name="' + container.dataset.addButton + '"]')
  if (addButton) {
    addButton.addEventListener('click', (event) => {
      event.preventDefault()
      addRow(container)
      showTotal(container)
    })
  }
  container.addEventListener('click', (event) => {
    const remove = event.target.closest('.app-remove-row')
    if (!remove) return
    event.preventDefault()
    if (container.querySelectorAll('.app-repeating-row').length < 2) return
    remove.closest('.app-repeating-row').remove()
    renumber(container)
    showTotal(container)
    if (addButton) addButton.focus()
  })
  container.addEventListener('input', () => showTotal(container))
  renumber(container)
})
