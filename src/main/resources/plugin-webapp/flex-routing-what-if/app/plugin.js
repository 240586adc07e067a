// Cockpit imports the front end module of every server-side plugin (here: the REST resource of
// "Routing what-if", operations.cockpit.RoutingWhatIfCockpitPlugin). This one adds nothing: the
// page itself is app/cockpit/scripts/routing-what-if.js, registered in config.js like
// "Interaction history".
export default [];
