package io.flexorchestrator.security;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Web-app sessions (Cockpit, Admin, Tasklist; the API is stateless) are short and capped. The
 * Camunda web apps hand every visitor a session (it carries the CSRF token the login needs), so a
 * session that has not logged in lives only {@code anonymous-timeout}, and beyond {@code
 * max-anonymous} of them the oldest is dropped; a logged-in session gets {@code
 * server.servlet.session.timeout}, beyond {@code max-authenticated} the oldest is dropped. A flood
 * of anonymous requests therefore costs bounded memory and never ends an operator's login.
 */
@Component
public class SessionLimits implements HttpSessionListener, HttpSessionIdListener {

  private final SecurityProperties.SessionSettings settings;
  private final int loggedInSeconds;
  private final Map<String, HttpSession> anonymous = new LinkedHashMap<>();
  private final Map<String, HttpSession> authenticated = new LinkedHashMap<>();

  public SessionLimits(SecurityProperties properties,
      @Value("${server.servlet.session.timeout:15m}") Duration loggedIn) {
    this.settings = properties.sessions();
    this.loggedInSeconds = (int) Math.max(60, loggedIn.toSeconds());
  }

  @Override
  public void sessionCreated(HttpSessionEvent event) {
    HttpSession session = event.getSession();
    session.setMaxInactiveInterval((int) Math.max(1, settings.anonymousTimeout().toSeconds()));
    List<HttpSession> dropped;
    synchronized (this) {
      anonymous.put(session.getId(), session);
      dropped = overflow(anonymous, settings.maxAnonymous());
    }
    dropped.forEach(SessionLimits::invalidate);
  }

  /** The session's user logged in: it gets the full timeout and counts as logged in. */
  public void loggedIn(HttpSession session) {
    if (session == null) {
      return;
    }
    List<HttpSession> dropped;
    synchronized (this) {
      anonymous.remove(session.getId());
      authenticated.put(session.getId(), session);
      dropped = overflow(authenticated, settings.maxAuthenticated());
    }
    session.setMaxInactiveInterval(loggedInSeconds);
    dropped.forEach(SessionLimits::invalidate);
  }

  @Override
  public synchronized void sessionDestroyed(HttpSessionEvent event) {
    String id = event.getSession().getId();
    anonymous.remove(id);
    authenticated.remove(id);
  }

  @Override
  public synchronized void sessionIdChanged(HttpSessionEvent event, String oldId) {
    HttpSession session = event.getSession();
    if (anonymous.remove(oldId) != null) {
      anonymous.put(session.getId(), session);
    }
    if (authenticated.remove(oldId) != null) {
      authenticated.put(session.getId(), session);
    }
  }

  public synchronized int anonymousCount() {
    return anonymous.size();
  }

  public synchronized int authenticatedCount() {
    return authenticated.size();
  }

  public synchronized boolean isLoggedIn(String sessionId) {
    return authenticated.containsKey(sessionId);
  }

  private static List<HttpSession> overflow(Map<String, HttpSession> sessions, int max) {
    List<HttpSession> dropped = new ArrayList<>();
    var oldest = sessions.entrySet().iterator();
    while (sessions.size() > Math.max(1, max) && oldest.hasNext()) {
      dropped.add(oldest.next().getValue());
      oldest.remove();
    }
    return dropped;
  }

  private static void invalidate(HttpSession session) {
    try {
      session.invalidate();
    } catch (IllegalStateException alreadyGone) {
      // expired or invalidated meanwhile
    }
  }
}
