import { defineConfig } from 'vite';

// Built by Quinoa inside ./mvnw package into dist/, served by the Quarkus app at /.
export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/graphql': { target: 'http://localhost:8080', ws: true }, '/dev': 'http://localhost:8080' },
  },
});
