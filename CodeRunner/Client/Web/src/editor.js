// The CodeMirror 6 editor: language, theme and font size live in compartments so they can change
// without losing the document or the undo history. It lives in a shadow root: there CodeMirror
// styles itself with constructed style sheets, which the strict Content-Security-Policy
// (style-src 'self', no inline <style>) allows.
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { oneDark } from '@codemirror/theme-one-dark';

const language = new Compartment();
const theme = new Compartment();
const fontSize = new Compartment();

const light = EditorView.theme({
  '&': { backgroundColor: 'var(--editor-bg)', color: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active-line)' },
}, { dark: false });

const layout = EditorView.theme({
  '&': { minWidth: '0', minHeight: '0', height: '100%' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { overflow: 'auto' },
});

const sizeTheme = (px) => EditorView.theme({
  '&': { fontSize: `${px}px` },
  '.cm-content, .cm-gutters': { fontFamily: 'var(--mono)' },
});

export function createEditor(host, { onRun, onChange }) {
  const root = host.attachShadow({ mode: 'open' });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: '',
      extensions: [
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => { onRun(); return true; } }])),
        basicSetup,
        layout,
        keymap.of([indentWithTab]),
        language.of([]),
        theme.of(oneDark),
        fontSize.of(sizeTheme(14)),
        EditorView.updateListener.of((update) => { if (update.docChanged) onChange?.(); }),
        EditorView.contentAttributes.of({ 'aria-label': 'Source code editor' }),
      ],
    }),
  });

  return {
    view,
    get text() { return view.state.doc.toString(); },
    set text(value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    setLanguage(extension) { view.dispatch({ effects: language.reconfigure(extension) }); },
    setTheme(name) { view.dispatch({ effects: theme.reconfigure(name === 'light' ? light : oneDark) }); },
    setFontSize(px) { view.dispatch({ effects: fontSize.reconfigure(sizeTheme(px)) }); },
    focus() { view.focus(); },
  };
}
