// Building the page. Resident text is only ever put into the page with textContent, never as HTML.
export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c) node.append(c);
  return node;
}

// background: a request the console makes by itself (a refresh after a live event). The server does not count it

// Each page load takes a ticket; a load whose answer arrives after a newer load started draws nothing, so a
// slow answer (the queue fetched at login) never replaces the page the user has since moved to.
let viewTicket = 0;
export function takeTicket() {
  const mine = ++viewTicket;
  return () => mine === viewTicket;
}

// Runs a form's send with its button disabled: a second click while the first is on its way would store it twice.
export async function sendingWith(button, send) {
  button.disabled = true;
  try {
    return await send();
  } finally {
    button.disabled = false;
  }
}
