/** @type {import('tailwindcss').Config} */
module.exports = {
  content: [__dirname + '/src/web/**/*.{ts,js}'],
  theme: { extend: {} },
  plugins: [],
};
