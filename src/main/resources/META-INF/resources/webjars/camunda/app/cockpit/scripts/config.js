// Cockpit configuration of flex-orchestrator: replaces the webapp's default
// app/cockpit/scripts/config.js (the application's classes come first on the classpath).
// customScripts are ES modules relative to app/cockpit/, which Cockpit imports when it starts.
export default {
  customScripts: ['scripts/interaction-history', 'scripts/routing-what-if'],
};
