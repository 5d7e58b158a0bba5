// The URLs a client is given, and the literals Commbase's scripts take them as. Pure; no socket.io here.

/**
 * Where each of Commbase's scripts finds the relay, token included. The token rides in the path for every API
 * URL (the updater appends `/1` to its api_url, which would land inside a query string) and in the query for
 * Socket.IO (python-socketio keeps only the query of socketio_url).
 */
export function relayUrls(base: string, token: string): Record<string, string> {
  const t = `${base}/t/${encodeURIComponent(token)}`;
  return {
    api_url: `${t}/api/save_json`,
    get_url: `${t}/api/get_saved_data`,
    update_url: `${t}/api/update_json`,
    socketio_url: `${base}?token=${encodeURIComponent(token)}`,
  };
}

/** The literal each of Commbase's scripts names `api_url` / `socketio_url`, ready to paste (see COMMBASE.md). */
export function commbaseLiterals(urls: Record<string, string>): { listener: { api_url: string; socketio_url: string }; uploader: { api_url: string }; updater: { api_url: string } } {
  return { listener: { api_url: urls.get_url!, socketio_url: urls.socketio_url! }, uploader: { api_url: urls.api_url! }, updater: { api_url: urls.update_url! } };
}
