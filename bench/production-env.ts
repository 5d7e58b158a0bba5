// Imported first by benchmarks that render with Ink: React's production build, as bin/commbase-admin.js runs it.
process.env.NODE_ENV ??= 'production';
