"""French for what Gradio itself writes on the page, whatever the browser's language.

Gradio translates its own labels from the browser's locale, partly: with an English browser every
label is English, and with a French one « Copy message », « Runs » or « Error » stay English. Two
layers make the page French for every agent: ``FRENCH`` overrides Gradio's translation keys for
both locales (the keys are those of Gradio 6's ``en`` messages), and ``HEAD`` rewrites the few
labels Gradio writes without a key (« More tabs », « Copy conversation ») as the page renders.
Toast titles are set where the toasts are raised (``user_error``, ``gr.Warning(title=…)``).
"""

from __future__ import annotations

import json

import gradio as gr

_KEYS = {
    "chatbot.like": "J'aime", "chatbot.dislike": "Je n'aime pas", "chatbot.copy_message": "Copier le message",
    "chatbot.copied_message": "Message copié", "chatbot.clear": "Effacer la conversation", "chatbot.retry": "Réessayer",
    "chatbot.undo": "Annuler", "chatbot.edit": "Modifier", "chatbot.submit": "Envoyer", "chatbot.cancel": "Annuler",
    "common.clear": "Effacer", "common.download": "Télécharger", "common.download_all": "Tout télécharger",
    "common.edit": "Modifier", "common.empty": "Vide", "common.error": "Erreur", "common.loading": "Chargement",
    "common.remove": "Retirer", "common.runs": "Historique", "common.runs_description": "Voir les exécutions gardées par ce navigateur",
    "common.back_to_app": "Application", "common.back_to_app_description": "Revenir à l'application",
    "common.settings": "Réglages", "common.share": "Partager", "common.submit": "Envoyer", "common.undo": "Annuler",
    "common.progress": "Progression", "common.run": "Lancer", "common.or": "ou", "common.language": "Langue",
    "common.display_theme": "Thème d'affichage", "common.built_with_gradio": "Construit avec Gradio",
    "common.built_with": "construit avec", "common.hosted_on": "Hébergé sur",
    "upload_text.click_to_upload": "Cliquez pour choisir", "upload_text.drop_file": "Déposez le fichier ici",
    "upload_text.drop_csv": "Déposez le CSV ici", "upload_text.paste_clipboard": "Coller depuis le presse-papiers",
    "login.username": "Identifiant", "login.password": "Mot de passe", "login.login": "Se connecter",
    "login.incorrect_credentials": "Identifiant ou mot de passe incorrect",
}
FRENCH = gr.I18n(en=_KEYS, fr=_KEYS)

# Labels Gradio writes without a translation key (aria-label, title or the text of a button).
_LABELS = {
    "More tabs": "Plus d'onglets", "Copy conversation": "Copier la conversation",
    "Copied conversation": "Conversation copiée", "Copy message": "Copier le message", "Close": "Fermer",
    "Clear": "Effacer", "Download": "Télécharger", "Share": "Partager", "Like": "J'aime", "Dislike": "Je n'aime pas",
    "Fullscreen": "Plein écran", "Exit fullscreen mode": "Quitter le plein écran", "Error": "Erreur", "Warning": "Attention",
    "chatbot conversation": "Conversation avec l'assistant", "File upload": "Dépôt de fichiers",
    "Click to upload or drop files": "Cliquez pour choisir des fichiers ou déposez-les ici",
    "Table actions": "Actions sur le tableau", "Copy table data": "Copier le tableau", "Dataframe": "Tableau",
    "Empty value": "Valeur vide", "Gradio footer navigation": "Navigation du pied de page",
    "Upload": "Déposer", "Remove": "Retirer", "Select": "Choisir", "Sort": "Trier",
}
# Labels Gradio starts with an English prefix (« user's message: … », read by screen readers).
_PREFIXES = {"user's message: ": "Votre message : ", "bot's message: ": "Réponse de l'assistant : "}
HEAD = """<script>
(() => {
  const labels = %s;
  const prefixes = %s;
  const french = (value) => {
    if (labels[value]) return labels[value];
    for (const [english, mine] of Object.entries(prefixes)) {
      if (value.startsWith(english)) return mine + value.slice(english.length);
    }
    return null;
  };
  const fix = (root) => {
    root.querySelectorAll("[aria-label],[title]").forEach((el) => {
      for (const attr of ["aria-label", "title"]) {
        const value = el.getAttribute(attr);
        const mine = value && french(value);
        if (mine) el.setAttribute(attr, mine);
      }
    });
    root.querySelectorAll("button,span,div").forEach((el) => {
      if (el.childElementCount === 0 && labels[el.textContent.trim()]) el.textContent = labels[el.textContent.trim()];
    });
  };
  // The welcome text of the empty conversation is read from its start (the chat scrolls to its end).
  const welcomeFromTop = () => document.querySelectorAll(".placeholder-content").forEach((p) => {
    const wrap = p.closest(".bubble-wrap");
    if (!wrap) return;
    wrap.dataset.welcomed = wrap.dataset.welcomed || String(Date.now());
    if (Date.now() - Number(wrap.dataset.welcomed) < 4000) wrap.scrollTop = 0;  // then the reader scrolls
  });
  [300, 1000, 2000, 3500].forEach((ms) => setTimeout(welcomeFromTop, ms));
  document.documentElement.lang = "fr";
  let pending = false;  // one pass per frame, however many changes a streamed answer makes
  new MutationObserver(() => {
    if (pending || !document.body) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fix(document.body); welcomeFromTop(); });
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label", "title"]});
  document.addEventListener("DOMContentLoaded", () => fix(document.body));
})();
</script>""" % (json.dumps(_LABELS, ensure_ascii=False), json.dumps(_PREFIXES, ensure_ascii=False))
